// asl-validator ships no type declarations; this is the part the tests use.
declare module 'asl-validator' {
  function aslValidator(definition: unknown): {
    isValid: boolean;
    errorsText: () => string;
  };
  export = aslValidator;
}
