export declare function isFormula(code: string): boolean;
export declare function toTex(code: string): string;
