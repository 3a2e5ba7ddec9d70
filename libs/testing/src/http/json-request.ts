export interface JsonRequestOptions {
  token?: string;
  /** An object (sent as JSON) or a raw string (sent as is, e.g. malformed JSON). */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface JsonResponse {
  status: number;
  /** Parsed JSON, or the text when the body is not JSON. */
  body: any;
  text: string;
  headers: Headers;
}

/** fetch with a JSON body and an optional bearer token; answers with the status and the parsed body. */
export async function jsonRequest(baseUrl: string, method: string, path: string, options: JsonRequestOptions = {}): Promise<JsonResponse> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body, text, headers: res.headers };
}
