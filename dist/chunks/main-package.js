import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{b as t}from"./chunk-YTH4T5JI.js";import"./chunk-DJ4RTTQM.js";import"./chunk-GEAJSZGQ.js";import{a as r}from"./chunk-DHTBUBSW.js";import{a as o}from"./chunk-ABRP7F7C.js";import"./chunk-4C4GNTKY.js";import"./chunk-ZMBD2E4J.js";import"./chunk-DJN2VXAE.js";import"./chunk-ZYK65CK6.js";import"./chunk-OVSLOOZ7.js";function a(){t(o,process.env)}async function i(){await r(async()=>{a();let{runPackage:n}=await import("./package-CNVNSQ4N.js");await n(o)})}export{i as run};
