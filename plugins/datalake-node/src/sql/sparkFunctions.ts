/*
 * The functions gold SQL may call: Spark's documented built-in functions (scalar, aggregate,
 * window, generator, date and time, string, math, conditional, collection, JSON, map and struct),
 * by name. An allow-list, not a deny-list, so that a function this list does not know (a UDF
 * registered in the catalog, a function a later Spark adds) is refused until someone reads what
 * it does and adds it here.
 */

const NAMES = `
  abs acos acosh add_months aes_decrypt aes_encrypt aggregate and any any_value
  approx_count_distinct approx_percentile array array_agg array_append array_compact
  array_contains array_distinct array_except array_insert array_intersect array_join array_max
  array_min array_position array_prepend array_remove array_repeat array_size array_sort
  array_union arrays_overlap arrays_zip ascii asin asinh atan atan2 atanh avg base64 bigint bin
  binary bit_and bit_count bit_get bit_length bit_or bit_xor bitmap_bit_position
  bitmap_bucket_number bitmap_construct_agg bitmap_count bitmap_or_agg bool_and bool_or boolean
  bround btrim cardinality case cast cbrt ceil ceiling char char_length character_length chr
  coalesce collect_list collect_set concat concat_ws contains conv convert_timezone corr cos cosh
  cot count count_if count_min_sketch covar_pop covar_samp crc32 csc cume_dist curdate
  current_date current_timestamp current_timezone date date_add date_diff date_format
  date_from_unix_date date_part date_sub date_trunc dateadd datediff datepart day dayofmonth
  dayofweek dayofyear decimal decode degrees dense_rank div double e element_at elt encode
  endswith equal_null every exists exp explode explode_outer expm1 extract factorial filter
  find_in_set first first_value flatten float floor forall format_number format_string
  from_csv from_json from_unixtime from_utc_timestamp get get_json_object getbit greatest
  grouping grouping_id hash hex histogram_numeric hour hypot if ifnull ilike in initcap inline
  inline_outer instr int is_valid_utf8 isnan isnotnull isnull json_array_length json_object_keys
  json_tuple kurtosis lag last last_day last_value lcase lead least left len length levenshtein
  like ln localtimestamp locate log log10 log1p log2 lower lpad ltrim luhn_check make_date
  make_dt_interval make_interval make_timestamp make_timestamp_ltz make_timestamp_ntz
  make_valid_utf8 make_ym_interval map map_concat map_contains_key map_entries map_filter
  map_from_arrays map_from_entries map_keys map_values map_zip_with mask max max_by md5 mean
  median min min_by minute mod mode monotonically_increasing_id month months_between
  named_struct nanvl negative next_day not now nth_value ntile nullif nullifzero nvl nvl2
  octet_length or overlay percent_rank percentile percentile_approx percentile_cont
  percentile_disc pi pmod posexplode posexplode_outer position positive pow power printf
  quarter radians rank regexp regexp_count regexp_extract regexp_extract_all regexp_instr
  regexp_like regexp_replace regexp_substr regr_avgx regr_avgy regr_count regr_intercept
  regr_r2 regr_slope regr_sxx regr_sxy regr_syy repeat replace reverse right rint rlike round
  row_number rpad rtrim schema_of_csv schema_of_json sec second sentences sequence sha sha1 sha2
  shiftleft shiftright shiftrightunsigned shuffle sign signum sin sinh size skewness slice
  smallint some sort_array soundex space split split_part sqrt stack startswith std stddev
  stddev_pop stddev_samp str_to_map string struct substr substring substring_index sum tan tanh
  timestamp timestamp_micros timestamp_millis timestamp_seconds timestampadd timestampdiff
  tinyint to_binary to_char to_csv to_date to_json to_number to_timestamp to_timestamp_ltz
  to_timestamp_ntz to_unix_timestamp to_utc_timestamp to_varchar transform transform_keys
  transform_values translate trim trunc try_add try_aes_decrypt try_avg try_divide
  try_element_at try_multiply try_subtract try_sum try_to_binary try_to_number
  try_to_timestamp typeof ucase unbase64 unhex unix_date unix_micros unix_millis unix_seconds
  unix_timestamp upper url_decode url_encode var_pop var_samp variance weekday weekofyear
  width_bucket xxhash64 year zeroifnull zip_with
`;

/** Spark built-in functions gold SQL may call, lower case. @public */
export const SPARK_FUNCTION_ALLOW_LIST: ReadonlySet<string> = new Set(
  NAMES.split(/\s+/).filter(Boolean),
);

/** Built-in functions refused by name, with why: the message says it. @public */
export const REFUSED_FUNCTIONS: ReadonlyMap<string, string> = new Map([
  ['reflect', 'it calls a Java method by name'],
  ['java_method', 'it calls a Java method by name'],
  ['try_reflect', 'it calls a Java method by name'],
  ['input_file_name', 'it exposes the storage paths of the silver data'],
  [
    'input_file_block_start',
    'it exposes the storage layout of the silver data',
  ],
  [
    'input_file_block_length',
    'it exposes the storage layout of the silver data',
  ],
  ['read_files', 'it reads files, not silver tables'],
  ['range', 'it is a table-valued function'],
  ['current_user', 'the gold table would record the job role, not a person'],
  ['user', 'the gold table would record the job role, not a person'],
  ['session_user', 'the gold table would record the job role, not a person'],
  ['current_catalog', 'it exposes the job configuration'],
  ['current_database', 'it exposes the job configuration'],
  ['current_schema', 'it exposes the job configuration'],
  ['version', 'it exposes the job runtime'],
  ['spark_partition_id', 'its value depends on the job, not the data'],
  ['uuid', 'the gold table would change on every refresh'],
  ['rand', 'the gold table would change on every refresh'],
  ['randn', 'the gold table would change on every refresh'],
  ['random', 'the gold table would change on every refresh'],
  ['raise_error', 'it fails the job on purpose'],
  ['assert_true', 'it fails the job on purpose'],
  ['xpath', 'XML functions are not accepted'],
]);
