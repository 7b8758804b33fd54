import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{a as c}from"./chunk-LYIQRVIV.js";import{h as a,i as b}from"./chunk-75JQXUI2.js";import"./chunk-I3HXRGUY.js";import"./chunk-ABRP7F7C.js";import"./chunk-4C4GNTKY.js";import"./chunk-DJN2VXAE.js";import"./chunk-ZYK65CK6.js";import"./chunk-OVSLOOZ7.js";export{a as fixedOffsetWarning,c as parseGateSettings,b as parseInstant};
