import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{g as a}from"../chunks/chunk-NPDM2APL.js";import"../chunks/chunk-HXJNNB4Y.js";import"../chunks/chunk-TIGXNNRB.js";import"../chunks/chunk-I3HXRGUY.js";import{a as t}from"../chunks/chunk-RXTH2KJH.js";import{a as r}from"../chunks/chunk-DSHYLKGK.js";import"../chunks/chunk-4C4GNTKY.js";import"../chunks/chunk-2XUQ7X3N.js";import{a as i}from"../chunks/chunk-DJN2VXAE.js";import"../chunks/chunk-E4CCIZQA.js";import"../chunks/chunk-OVSLOOZ7.js";async function n(){await t(async()=>{a(r);let{failureOf:m,runDeploy:p}=await import("../chunks/run-N4BPL7UQ.js"),o=m(await p(r));if(o)throw new i(o)})}await n();
