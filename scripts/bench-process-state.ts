import { emptyState, type ProcessState } from '../src/lib/process/state.js';
import { customersFromPlan, initialMaterials, initialVisits } from '../src/lib/process/customers.js';
import { confirmMaterials, confirmVisit, drawSpotCheckSample } from '../src/lib/process/actions.js';
import { customerRows } from '../tests/fixtures/customers.js';

/** The process benches' people. */
export const BENCH_NAMES = { employee: '欧阳明远', receiver: '司马晓燕', supervisor: '诸葛建国' };

/**
 * A process of `n` customers at stage E, built by the functions the service uses: every
 * material line confirmed, every visit done, the spot-check sample drawn.
 */
export function visitedState(n: number, names = BENCH_NAMES): ProcessState {
  let state = emptyState({ giverName: names.employee, department: '华东销售部', reason: '离职', receiverName: names.receiver, witnessName: names.supervisor, handoverDate: '2026-11-23', customers: customerRows(n) });
  state = { ...state, customers: customersFromPlan(state.plan) };
  state = { ...state, materials: initialMaterials(state.customers, '2026-11-30'), visits: initialVisits(state.customers, '欧阳明远、司马晓燕', '2026-12-07', '2026-12-30') };
  state = confirmMaterials(state, state.materials.map((_, i) => i), '2026-12-01');
  for (const c of state.customers) state = confirmVisit(state, c.id, { actualDate: '2026-12-10', outcome: '已拜访', customerAccepts: '是', followUp: '' });
  return drawSpotCheckSample(state, { share: 0.2, min: 3 }, 'bench:E', new Date().toISOString());
}
