// The part of autocannon's API the API bench uses (the package ships no types).
declare module "autocannon" {
  type Request = { method?: string; path?: string; headers?: Record<string, string>; body?: string };
  type Context = Record<string, unknown>;
  namespace autocannon {
    type Result = {
      requests: { average: number; total: number };
      throughput: { total: number };
      latency: { p50: number; p99: number };
      errors: number;
      timeouts: number;
      non2xx: number;
    };
  }
  function autocannon(options: {
    url: string;
    connections?: number;
    duration?: number;
    requests?: (Request & {
      setupRequest?: (req: Request, context: Context) => Request;
      onResponse?: (status: number, body: string, context: Context) => void;
    })[];
  }): Promise<autocannon.Result>;
  export default autocannon;
}
