import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{Pr as s,or as n}from"./chunk-VK5CE5BJ.js";import{d as a}from"./chunk-JMPYY7DU.js";import"./chunk-CDMCSFK4.js";import"./chunk-TR4EM6TJ.js";import"./chunk-P6LTDBQS.js";import"./chunk-ZYUQ2LXF.js";import"./chunk-YQB7B7AG.js";import"./chunk-WLBHSTNN.js";import"./chunk-IK54V5UP.js";import"./chunk-U5MSXVYU.js";import"./chunk-AV33OXBG.js";import"./chunk-OVSLOOZ7.js";var i=class{constructor(e){this.client=e}client;async parameterExists(e,r){return((await this.client(e).send(new n({ParameterFilters:[{Key:"Name",Option:"Equals",Values:r}],MaxResults:10}))).Parameters??[]).length>0}async sharedParameterExists(e,r){try{return await this.client(e).send(new s({Name:r,WithDecryption:!1})),!0}catch(t){if(a(t)==="ParameterNotFound")return!1;throw t}}};export{i as SdkSsm};
