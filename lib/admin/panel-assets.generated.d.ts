/** Types of the module scripts/build-panel.ts generates (the .js itself is git-ignored). */
export declare const panelVersion: string;
export declare const panelHtml: string;
export declare const panelJs: string;
export declare const panelCss: string;
