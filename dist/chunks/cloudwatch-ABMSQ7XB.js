import { createRequire as __sdCreateRequire } from 'node:module';
import { fileURLToPath as __sdFileURLToPath } from 'node:url';
const require = __sdCreateRequire(import.meta.url);
const __filename = __sdFileURLToPath(import.meta.url);
const __dirname = __sdFileURLToPath(new URL('.', import.meta.url));
import{a,b,c,d,e,f}from"./chunk-DV3WHI4R.js";import"./chunk-66IL64SK.js";import"./chunk-TR4EM6TJ.js";import"./chunk-P6LTDBQS.js";import"./chunk-ZYUQ2LXF.js";import"./chunk-YQB7B7AG.js";import"./chunk-WLBHSTNN.js";import"./chunk-IK54V5UP.js";import"./chunk-U5MSXVYU.js";import"./chunk-AV33OXBG.js";import"./chunk-OVSLOOZ7.js";export{a as ALARM_BATCH,b as BATCHES_IN_FLIGHT,c as FULL_READ_IN_FLIGHT,d as METRIC_QUERY_BATCH,e as SdkCloudWatch,f as dimensionOf};
