export { TitleWithCaption } from './TitleWithCaption';
