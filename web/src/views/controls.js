// The rollout view's controls: start a rollout (a risk profile's default plan or the loaded plan,
// the canary origin and optionally a dark-launched shadow origin), pause, resume and roll back. Each asks for confirmation, then shows the
// coordinator's answer or its error. Without a coordinator or a token they are read-only, and the
// card says why.
import { $, el, clear, input, select, button } from '../app/dom.js';
import { state } from '../app/state.js';
import { send, readOnlyReason } from '../app/control.js';
import { pollNow } from '../app/live.js';
import { fmtPct, statusWords } from '../format.js';

const BUTTONS = ['ctl-pause', 'ctl-resume', 'ctl-rollback', 'ctl-start'];

/** Enables or disables the controls and says why they are read-only. */
export function renderControls() {
  const why = readOnlyReason();
  $('controls-mode').textContent = why ?? `Commands go to ${state.ui.pollUrl?.replace(/status\/?$/, '') ?? ''} with this tab’s admin token; each asks for confirmation.`;
  $('controls-mode').className = why ? 'readonly' : 'muted';
  for (const id of BUTTONS) button(id).disabled = !!why;
  $('controls-card').dataset.readonly = String(!!why);
}

/**
 * Shows the coordinator's answer.
 * @param {string} what
 * @param {import('../app/control.js').Answer} a
 */
function show(what, a) {
  const out = clear($('ctl-result'));
  out.dataset.ok = String(a.ok);
  if (a.ok) {
    const b = a.body ?? {};
    out.className = 'ok';
    out.append(`${what}: the coordinator answered ${a.status}: `, el('strong', {}, statusWords(b.status)), `${b.rollout ? ` · rollout ${b.rollout}` : ''}${b.percent != null ? ` · serving ${fmtPct(b.percent)}` : ''}${b.window != null ? ` · window ${b.window}` : ''}.`);
  } else {
    out.className = 'error';
    // (the coordinator's message usually names the id and pointer already: not repeated)
    out.append(`${what} failed${a.status ? ` (HTTP ${a.status})` : ''}: ${a.error}${a.code && !a.error.includes(a.code) ? ` [${a.code}]` : ''}${a.pointer && !a.error.includes(a.pointer) ? ` at ${a.pointer}` : ''}`);
  }
}

/**
 * @param {'pause' | 'resume' | 'rollback'} cmd
 * @param {string} question
 */
async function command(cmd, question) {
  const id = state.status?.rolloutId ?? 'the rollout';
  if (!window.confirm(`${question.replace('%s', id)}`)) {
    show(cmd, { ok: false, status: 0, error: 'cancelled, nothing was sent' });
    return;
  }
  const reason = input('ctl-reason').value.trim();
  show(cmd, await send(cmd, reason ? { reason } : {}));
  await pollNow();
}

$('ctl-pause').addEventListener('click', () => command('pause', 'Pause %s? Traffic stays where it is and no decision is taken until it is resumed.'));
$('ctl-resume').addEventListener('click', () => command('resume', 'Resume %s? The coordinator judges its windows again and may advance it.'));
$('ctl-rollback').addEventListener('click', () => command('rollback', 'Roll back %s? Every user goes back to stable (0% canary) and the rollout ends.'));

$('ctl-start-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const id = input('ctl-id').value.trim();
  const canary = input('ctl-canary').value.trim();
  const planFrom = select('ctl-plan').value;
  const shadow = input('ctl-shadow').value.trim();
  /** @type {Record<string, unknown>} */
  const body = { id, origins: { canary, ...(shadow ? { shadow } : {}) } };
  if (planFrom === 'loaded') {
    const p = state.inputs.plan;
    if (!p) return show('start', { ok: false, status: 0, error: 'no plan is loaded (Data tab): choose a risk profile instead' });
    body.plan = JSON.parse(p.text);
  } else body.risk = planFrom;
  const every = Number(input('ctl-every').value);
  if (every > 0) body.evaluationIntervalMs = Math.round(every * 1000);
  const running = state.status && !state.status.finished && state.status.summary?.status && state.status.summary.status !== 'idle';
  const q = `Start rollout ${id || '(no id)'} with ${planFrom === 'loaded' ? 'the loaded plan' : `the ${planFrom}-risk default plan`}, canary ${canary || '(none)'}?${running ? ` This replaces ${state.status?.rolloutId ?? 'the running rollout'}.` : ''}`;
  if (!window.confirm(q)) return show('start', { ok: false, status: 0, error: 'cancelled, nothing was sent' });
  show('start', await send('start', body));
  await pollNow();
});
