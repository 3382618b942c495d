import { randomUUID } from 'node:crypto';
import {
  AwsError,
  RawHttpRequest,
  RawHttpResponse,
  ServiceDefinition,
} from './types';
import { escapeXml, toXmlElements } from './xml';

/** Decodes a request into an operation and input, and encodes results and errors. */
export interface ProtocolCodec {
  decode(
    service: ServiceDefinition,
    req: RawHttpRequest,
  ): { operation: string; input: any };
  encode(
    service: ServiceDefinition,
    operation: string,
    output: any,
    req: RawHttpRequest,
  ): RawHttpResponse;
  encodeError(
    service: ServiceDefinition,
    error: AwsError,
    req: RawHttpRequest,
  ): RawHttpResponse;
}

export function newRequestId(): string {
  return randomUUID();
}

function header(req: RawHttpRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function parseJsonBody(req: RawHttpRequest): any {
  if (req.body.length === 0) return {};
  try {
    return JSON.parse(req.body.toString('utf8'));
  } catch {
    throw new AwsError(
      'SerializationException',
      'The request body is not valid JSON',
    );
  }
}

function errorMessageBody(service: ServiceDefinition, error: AwsError) {
  return {
    [service.errorMessageKey ?? 'message']: error.message,
    ...error.extra,
  };
}

/** JSON 1.0/1.1: `X-Amz-Target: Prefix.Operation`, errors as `__type` in the body. */
const jsonCodec: ProtocolCodec = {
  decode(service, req) {
    const target = header(req, 'x-amz-target') ?? '';
    const dot = target.lastIndexOf('.');
    const prefix = target.slice(0, dot);
    if (dot < 0 || prefix !== service.targetPrefix) {
      throw new AwsError(
        'UnknownOperationException',
        `Unknown X-Amz-Target '${target}' for ${service.signingName}`,
      );
    }
    return { operation: target.slice(dot + 1), input: parseJsonBody(req) };
  },
  encode(_service, _operation, output, req) {
    return {
      statusCode: 200,
      headers: {
        'content-type': jsonContentType(req),
        'x-amzn-requestid': newRequestId(),
      },
      body: JSON.stringify(output ?? {}),
    };
  },
  encodeError(service, error, req) {
    return {
      statusCode: error.statusCode,
      headers: {
        'content-type': jsonContentType(req),
        'x-amzn-requestid': newRequestId(),
        'x-amzn-errortype': error.code,
      },
      body: JSON.stringify({
        __type: error.code,
        ...errorMessageBody(service, error),
      }),
    };
  },
};

function jsonContentType(req: RawHttpRequest) {
  return header(req, 'content-type')?.includes('1.0')
    ? 'application/x-amz-json-1.0'
    : 'application/x-amz-json-1.1';
}

/** REST-JSON as Lake Formation uses it: `POST /OperationName` with a JSON body. */
const restJsonCodec: ProtocolCodec = {
  decode(service, req) {
    if (service.rest) return routeRest(service, req);
    const operation = req.path.replace(/^\/+/, '').split('/')[0];
    return { operation, input: parseJsonBody(req) };
  },
  encode(service, operation, output) {
    if (service.rest) return service.rest.encode(operation, output);
    return {
      statusCode: 200,
      headers: {
        'content-type': 'application/json',
        'x-amzn-requestid': newRequestId(),
      },
      body: JSON.stringify(output ?? {}),
    };
  },
  encodeError(service, error) {
    return {
      statusCode: error.statusCode,
      headers: {
        'content-type': 'application/json',
        'x-amzn-requestid': newRequestId(),
        'x-amzn-errortype': error.code,
      },
      body: JSON.stringify(errorMessageBody(service, error)),
    };
  },
};

function routeRest(service: ServiceDefinition, req: RawHttpRequest) {
  const routed = service.rest!.route(req);
  if (!routed) {
    throw new AwsError(
      service.protocol === 'rest-xml'
        ? 'MethodNotAllowed'
        : 'UnknownOperationException',
      `No ${service.signingName} operation for ${req.method} ${req.path}`,
      service.protocol === 'rest-xml' ? 405 : 400,
    );
  }
  return routed;
}

/** REST-XML (S3): routing and encoding live in the service's binding. */
const restXmlCodec: ProtocolCodec = {
  decode(service, req) {
    return routeRest(service, req);
  },
  encode(service, operation, output) {
    return service.rest!.encode(operation, output);
  },
  encodeError(_service, error, req) {
    const requestId = newRequestId();
    const headers = {
      'content-type': 'application/xml',
      'x-amz-request-id': requestId,
    };
    if (req.method === 'HEAD') {
      return { statusCode: error.statusCode, headers };
    }
    const body =
      `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(
        error.code,
      )}</Code><Message>${escapeXml(error.message)}</Message>` +
      `${toXmlElements(
        error.extra ?? {},
      )}<RequestId>${requestId}</RequestId></Error>`;
    return { statusCode: error.statusCode, headers, body };
  },
};

/** AWS query (STS): form-encoded `Action=…`, XML `<OperationResponse>` results. */
const queryCodec: ProtocolCodec = {
  decode(_service, req) {
    const params = new URLSearchParams(req.query);
    if (req.body.length > 0) {
      for (const [key, value] of new URLSearchParams(
        req.body.toString('utf8'),
      )) {
        params.set(key, value);
      }
    }
    const operation = params.get('Action') ?? '';
    params.delete('Action');
    params.delete('Version');
    return { operation, input: Object.fromEntries(params) };
  },
  encode(service, operation, output) {
    const requestId = newRequestId();
    const ns = service.xmlNamespace ? ` xmlns="${service.xmlNamespace}"` : '';
    return {
      statusCode: 200,
      headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
      body:
        `<${operation}Response${ns}><${operation}Result>${toXmlElements(
          output ?? {},
        )}</${operation}Result>` +
        `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operation}Response>`,
    };
  },
  encodeError(service, error) {
    const requestId = newRequestId();
    const ns = service.xmlNamespace ? ` xmlns="${service.xmlNamespace}"` : '';
    const type = error.statusCode >= 500 ? 'Receiver' : 'Sender';
    return {
      statusCode: error.statusCode,
      headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
      body:
        `<ErrorResponse${ns}><Error><Type>${type}</Type><Code>${escapeXml(
          error.code,
        )}</Code><Message>${escapeXml(error.message)}</Message></Error>` +
        `<RequestId>${requestId}</RequestId></ErrorResponse>`,
    };
  },
};

export const codecs: Record<ServiceDefinition['protocol'], ProtocolCodec> = {
  json: jsonCodec,
  'rest-json': restJsonCodec,
  'rest-xml': restXmlCodec,
  query: queryCodec,
};
