import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{b as a,c as b,d as c}from"./chunk-Z6DIMXRJ.js";import"./chunk-OH3T7VVX.js";import"./chunk-GEAJSZGQ.js";import"./chunk-ABRP7F7C.js";import"./chunk-4C4GNTKY.js";import"./chunk-DJN2VXAE.js";import"./chunk-ZYK65CK6.js";import"./chunk-OVSLOOZ7.js";export{b as fixedOffsetWarning,a as parseGateSettings,c as parseInstant};
