import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{a,b}from"./chunk-76R2LCZS.js";import"./chunk-GIWNP47Y.js";import"./chunk-5DOD3JTT.js";import"./chunk-ZWSTVE2I.js";import"./chunk-KRBG4BMV.js";import"./chunk-6CRAOU5U.js";import"./chunk-PCUNG435.js";import"./chunk-2GPA2YWE.js";import"./chunk-CKRJZ3C4.js";import"./chunk-TF6VNC6M.js";import"./chunk-OVSLOOZ7.js";export{b as renderPlanMarkdown,a as renderPlanTable};
