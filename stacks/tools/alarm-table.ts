// `make docs-alarms`: rewrites docs/alarms.md from the alarm catalogue (reviewed defaults).
import { writeFileSync } from 'node:fs';
import { ALARM_TABLE_PATH, renderAlarmTable } from '../alarm-table';
import { loadConfig } from '../config';

writeFileSync(ALARM_TABLE_PATH, renderAlarmTable(loadConfig({})));
console.log(`docs-alarms: wrote ${ALARM_TABLE_PATH}`);
