import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{b as o}from"./chunk-NOQE3OCN.js";import"./chunk-GIWNP47Y.js";import"./chunk-S6VFSFIO.js";import"./chunk-GDYOJ65S.js";import"./chunk-DTCY56DR.js";import"./chunk-OJRROXPB.js";import{e as n}from"./chunk-5DOD3JTT.js";import"./chunk-3QNEMM4I.js";import"./chunk-ZWSTVE2I.js";import"./chunk-KRBG4BMV.js";import"./chunk-VFI7KT4M.js";import"./chunk-6CRAOU5U.js";import"./chunk-R5KOHTXZ.js";import"./chunk-BV62AOKB.js";import"./chunk-HFCXXLEB.js";import"./chunk-PPIU427G.js";import"./chunk-PCUNG435.js";import"./chunk-2GPA2YWE.js";import"./chunk-KDLYBRYK.js";import"./chunk-CKRJZ3C4.js";import"./chunk-TF6VNC6M.js";import"./chunk-OVSLOOZ7.js";var t="https://raw.githubusercontent.com/org/safe-deploy/v1/schema/pipeline.schema.json";function i(){let e=n(o,{io:"input"});return{$schema:e.$schema,$id:t,...e}}export{t as SCHEMA_URL,i as pipelineJsonSchema};
