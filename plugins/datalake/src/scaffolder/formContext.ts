import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';

/** The values of the whole form, which the fields read their source and tables from. */
export function formValues(
  props: FieldExtensionComponentProps<unknown, unknown>,
): { sourceId?: string; tables?: string[] } {
  const data = (props.formContext?.formData ?? {}) as Record<string, unknown>;
  return {
    sourceId: typeof data.sourceId === 'string' ? data.sourceId : undefined,
    tables: Array.isArray(data.tables) ? (data.tables as string[]) : undefined,
  };
}
