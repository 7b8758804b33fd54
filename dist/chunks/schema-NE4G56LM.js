import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{b as o}from"./chunk-X75YUSGL.js";import"./chunk-ZFJ2YLLZ.js";import"./chunk-BYT26Z3B.js";import{e as n}from"./chunk-J25WITOP.js";import"./chunk-RJVMDGY3.js";import"./chunk-TUNFK7LT.js";import"./chunk-HXJNNB4Y.js";import"./chunk-XX3QQ7JZ.js";import"./chunk-RFQEAV2X.js";import"./chunk-JJVTAISS.js";import"./chunk-TZP4LAMU.js";import"./chunk-PPIU427G.js";import"./chunk-Y7LBI6MU.js";import"./chunk-4C4GNTKY.js";import"./chunk-KDLYBRYK.js";import"./chunk-DJN2VXAE.js";import"./chunk-NGOSJJS2.js";import"./chunk-OVSLOOZ7.js";var t="https://raw.githubusercontent.com/org/safe-deploy/v1/schema/pipeline.schema.json";function i(){let e=n(o,{io:"input"});return{$schema:e.$schema,$id:t,...e}}export{t as SCHEMA_URL,i as pipelineJsonSchema};
