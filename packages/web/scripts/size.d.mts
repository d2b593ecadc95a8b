export declare const BUDGET_GZIP_BYTES: number;
interface Measured {
  files: string[];
  raw: number;
  gzip: number;
}
export interface WebAppSize {
  initial: Measured;
  screens: Record<string, Measured>;
  withinBudget: boolean;
}
export declare function webAppSize(dist?: string): WebAppSize;
export declare function sizeReport(size?: WebAppSize): string;
