import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{p as t}from"./chunk-Y7GKIGVV.js";import"./chunk-GEAJSZGQ.js";import{a as r}from"./chunk-DHTBUBSW.js";import{a as o}from"./chunk-ABRP7F7C.js";import"./chunk-4C4GNTKY.js";import"./chunk-ZMBD2E4J.js";import"./chunk-DJN2VXAE.js";import"./chunk-ZYK65CK6.js";import"./chunk-OVSLOOZ7.js";function n(){t(o,process.env.GITHUB_WORKSPACE??process.cwd())}async function c(){await r(async()=>{n();let{runChecklist:i}=await import("./run-EQEA33ED.js");await i(o)})}export{c as run};
