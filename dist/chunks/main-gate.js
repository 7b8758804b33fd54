import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{d as r}from"./chunk-OH3T7VVX.js";import{a as t}from"./chunk-DHTBUBSW.js";import{a as o}from"./chunk-ABRP7F7C.js";import"./chunk-4C4GNTKY.js";import"./chunk-ZMBD2E4J.js";import"./chunk-DJN2VXAE.js";import"./chunk-ZYK65CK6.js";import"./chunk-OVSLOOZ7.js";function i(){r(o)}async function a(){await t(async()=>{i();let{runGate:n}=await import("./run-K3EKLKR7.js");await n(o)})}export{a as run};
