import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{a as r,b as t}from"./chunk-VO22DGBQ.js";import"./chunk-GEAJSZGQ.js";import{a as i}from"./chunk-DHTBUBSW.js";import{a as o,d as n}from"./chunk-ABRP7F7C.js";import"./chunk-4C4GNTKY.js";import"./chunk-ZMBD2E4J.js";import"./chunk-DJN2VXAE.js";import"./chunk-ZYK65CK6.js";import"./chunk-OVSLOOZ7.js";function p(){t(n(o,"config")??r)}async function e(){await i(async()=>{p();let{runPlanStep:a}=await import("./run-4QVJKDGD.js");await a(o)})}export{e as run};
