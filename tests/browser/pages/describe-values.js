// Every kind of thrown value, as an engine makes it (DOMException, ErrorEvent,
// PromiseRejectionEvent, WebAssembly.Exception, hostile Proxies, cycles, a 5 MB message): the
// corpus of tests/browser/describe.test.mjs, run in each browser and, for the kinds that need no
// DOM, in Node.

export const KINDS = ['chain', 'custom', 'aggregate', 'dom', 'errorEvent', 'errorEventWithError', 'rejection', 'rejectionLoop',
  'string', 'number', 'nan', 'bigint', 'symbol', 'true', 'undefined', 'null', 'object', 'classInstance', 'function',
  'proxy', 'throwingGetters', 'throwingToString', 'cycle', 'huge', 'wasmException'];

export function make(kind) {
  switch (kind) {
    case 'chain': {
      function inner() { return new TypeError('inner failed'); }
      const root = inner();
      const e = new Error('outer failed', { cause: root });
      return e;
    }
    case 'custom': {
      class PaymentError extends Error { constructor(m) { super(m); this.name = 'PaymentError'; } }
      return new PaymentError('card declined');
    }
    case 'aggregate':
      return new AggregateError([new RangeError('a'), 'plain string', new SyntaxError('c')], 'several');
    case 'dom':
      try { document.querySelector('!!'); } catch (e) { return e; }
      return null;
    case 'errorEvent':
      return new ErrorEvent('error', { message: 'Script error.', filename: '', lineno: 0, colno: 0 });
    case 'errorEventWithError':
      return new ErrorEvent('error', { message: 'x', error: new Error('inside the event') });
    case 'rejection': {
      const p = Promise.reject(42);
      p.catch(() => {});
      return new PromiseRejectionEvent('unhandledrejection', { promise: p, reason: 'rejected with a string' });
    }
    case 'rejectionLoop': {
      const p = Promise.reject(42);
      p.catch(() => {});
      class Looping extends PromiseRejectionEvent { get reason() { return this; } }
      return new Looping('unhandledrejection', { promise: p, reason: 'never read' });
    }
    case 'string': return 'just a string';
    case 'number': return -0.5;
    case 'nan': return NaN;
    case 'bigint': return 12345678901234567890n;
    case 'symbol': return Symbol('tag');
    case 'true': return true;
    case 'undefined': return undefined;
    case 'null': return null;
    case 'object': return { code: 'E_TIMEOUT', retry: 3, nested: { deep: [1, 2] } };
    case 'classInstance': { class Oops { constructor() { this.reason = 'nope'; } } return new Oops(); }
    case 'function': return function namedThrowable() {};
    case 'proxy': {
      const trap = () => { throw new Error('trap'); };
      return new Proxy({}, { get: trap, has: trap, ownKeys: trap, getPrototypeOf: trap,
        getOwnPropertyDescriptor: trap, apply: trap, construct: trap });
    }
    case 'throwingGetters': {
      const e = new Error('base');
      for (const k of ['stack', 'message', 'name', 'cause']) {
        Object.defineProperty(e, k, { get() { throw new Error('getter ' + k); } });
      }
      return e;
    }
    case 'throwingToString':
      return { toString() { throw new Error('no'); }, valueOf() { throw new Error('no'); } };
    case 'cycle': {
      const a = new Error('a');
      const b = new Error('b', { cause: a });
      a.cause = b;
      return a;
    }
    case 'huge': return new Error('x'.repeat(5 * 1024 * 1024));
    case 'wasmException': {
      if (typeof WebAssembly.Tag !== 'function' || typeof WebAssembly.Exception !== 'function') return null;
      return new WebAssembly.Exception(new WebAssembly.Tag({ parameters: ['i32'] }), [7]);
    }
  }
  throw new Error('unknown kind ' + kind);
}
