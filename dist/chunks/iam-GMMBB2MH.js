import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{Il as o}from"./chunk-3IQI2Q3X.js";import{d as n}from"./chunk-JMPYY7DU.js";import"./chunk-CDMCSFK4.js";import"./chunk-TR4EM6TJ.js";import"./chunk-P6LTDBQS.js";import"./chunk-ZYUQ2LXF.js";import"./chunk-YQB7B7AG.js";import"./chunk-WLBHSTNN.js";import"./chunk-IK54V5UP.js";import"./chunk-U5MSXVYU.js";import"./chunk-AV33OXBG.js";import"./chunk-OVSLOOZ7.js";var i=class{constructor(r){this.client=r}client;async getRole(r){try{let e=await this.client.send(new o({RoleName:r}));if(!e.Role?.Arn)return;let c=e.Role.AssumeRolePolicyDocument??"";return{arn:e.Role.Arn,trustPolicy:l(c)}}catch(e){if(n(e)==="NoSuchEntity"||n(e)==="NoSuchEntityException")return;throw e}}};function l(t){try{return decodeURIComponent(t)}catch{return t}}export{i as SdkIam};
