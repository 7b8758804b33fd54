import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{b as o}from"./chunk-5OSQ3VEG.js";import"./chunk-ZFJ2YLLZ.js";import"./chunk-BYT26Z3B.js";import{e as n}from"./chunk-J25WITOP.js";import"./chunk-6GBKPMII.js";import"./chunk-4UE2YJG7.js";import"./chunk-HXJNNB4Y.js";import"./chunk-V5XLR3X3.js";import"./chunk-GTDC2G5F.js";import"./chunk-JJVTAISS.js";import"./chunk-TZP4LAMU.js";import"./chunk-PPIU427G.js";import"./chunk-PHDNOW7G.js";import"./chunk-4C4GNTKY.js";import"./chunk-KDLYBRYK.js";import"./chunk-DJN2VXAE.js";import"./chunk-TF6VNC6M.js";import"./chunk-OVSLOOZ7.js";var t="https://raw.githubusercontent.com/org/safe-deploy/v1/schema/pipeline.schema.json";function i(){let e=n(o,{io:"input"});return{$schema:e.$schema,$id:t,...e}}export{t as SCHEMA_URL,i as pipelineJsonSchema};
