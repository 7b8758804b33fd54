import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{a}from"../chunks/chunk-E4FF2ZBI.js";import{a as i}from"../chunks/chunk-DSHYLKGK.js";import"../chunks/chunk-4C4GNTKY.js";import"../chunks/chunk-BJSSQHGO.js";import"../chunks/chunk-DJN2VXAE.js";import"../chunks/chunk-E4CCIZQA.js";import"../chunks/chunk-OVSLOOZ7.js";async function o(){await a(async()=>{let{runPackage:r}=await import("../chunks/package-TSLT2PNO.js");await r(i)})}await o();
