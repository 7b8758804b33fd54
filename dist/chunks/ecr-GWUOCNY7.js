import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{Sf as o}from"./chunk-U6OVCC4S.js";import{d as t}from"./chunk-JMPYY7DU.js";import"./chunk-CDMCSFK4.js";import"./chunk-TR4EM6TJ.js";import"./chunk-P6LTDBQS.js";import"./chunk-ZYUQ2LXF.js";import"./chunk-YQB7B7AG.js";import"./chunk-WLBHSTNN.js";import"./chunk-IK54V5UP.js";import"./chunk-U5MSXVYU.js";import"./chunk-AV33OXBG.js";import"./chunk-OVSLOOZ7.js";var i=class{constructor(e){this.client=e}client;async findImage(e){try{return(await this.client(e.region).send(new o({registryId:e.registryId,repositoryName:e.repository,imageIds:[e.digest?{imageDigest:e.digest}:{imageTag:e.tag??"latest"}]}))).imageDetails?.length?"found":"no-image"}catch(r){if(t(r)==="ImageNotFoundException")return"no-image";if(t(r)==="RepositoryNotFoundException")return"no-repository";throw r}}};export{i as SdkEcr};
