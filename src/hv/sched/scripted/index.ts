export { scripted, setWanted, wantedOn, type ScriptedData } from './scripted.ts';
