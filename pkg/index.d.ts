/** A Sentry stack frame, as errorbeacon produces it. */
export interface Frame {
  /** Function name as Sentry shows it (Rust names demangled). */
  function?: string;
  /** The name exactly as the engine printed it, when `function` differs. */
  raw_function?: string;
  /** Short path: the URL's path, or the file path. */
  filename?: string;
  /** The script URL or path as printed; for WebAssembly frames, the module URL. */
  abs_path?: string;
  lineno?: number;
  colno?: number;
  in_app: boolean;
  /** `"native"` for WebAssembly frames. */
  platform?: 'native';
  /** WebAssembly byte offset, `0x…`. */
  instruction_addr?: string;
  /** WebAssembly function index, `0x…`. */
  function_id?: string;
}

/** Options of `init`, with the names and meanings of `@sentry/browser`. */
export interface Options {
  dsn?: string;
  release?: string;
  environment?: string;
  dist?: string;
  sampleRate?: number;
  maxBreadcrumbs?: number;
  sendDefaultPii?: boolean;
  tunnel?: string;
  offline?: boolean;
  debug?: boolean;
  [key: string]: unknown;
}

/** Starts errorbeacon; resolves once the module is loaded. Never rejects. */
export function init(options?: Options): Promise<void>;

/** Parses an `error.stack` string into Sentry frames, oldest first. Pure. */
export function parseStack(stack: string): Frame[];
