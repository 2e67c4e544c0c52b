export { LowBudgets, LowestBudget, MeetingShare } from './SloAttainmentCells';
