export { WorstFirstAlertList } from './WorstFirstAlertList';
