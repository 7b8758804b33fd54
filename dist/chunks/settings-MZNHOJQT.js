import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{b as a,c as b,d as c}from"./chunk-GDYOJ65S.js";import"./chunk-R5KOHTXZ.js";import"./chunk-HFCXXLEB.js";import"./chunk-PCUNG435.js";import"./chunk-2GPA2YWE.js";import"./chunk-KDLYBRYK.js";import"./chunk-CKRJZ3C4.js";import"./chunk-TF6VNC6M.js";import"./chunk-OVSLOOZ7.js";export{b as fixedOffsetWarning,a as parseGateSettings,c as parseInstant};
