/** The state key under which the main step saves the deploy for its post step (`core.saveState`). */
export const STATE_KEY = 'deploy';
