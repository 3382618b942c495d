import { ResponseError } from '@backstage/errors';

/** The backend's own message for a failed call ("Request failed with 404" says little). */
export function errorMessage(error: Error): string {
  if (error instanceof ResponseError || error.name === 'ResponseError') {
    const cause = (error as ResponseError).cause;
    if (cause?.message) {
      return cause.message;
    }
  }
  return error.message;
}
