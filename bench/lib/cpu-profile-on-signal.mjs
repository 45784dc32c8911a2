// Preloaded into the service by bench/profile.ts (node --import): the first SIGUSR2 starts V8's
// CPU profiler, the second writes the profile to CPU_PROFILE_FILE, so that startup, registry writes
// and warm-up stay out of the figure. Plain JavaScript: the built service runs without tsx.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const file = process.env.CPU_PROFILE_FILE;
if (file) {
  const session = new Session();
  session.connect();
  const post = (method, params) => new Promise((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
  let running = false;
  process.on('SIGUSR2', async () => {
    if (!running) {
      running = true;
      await post('Profiler.enable');
      await post('Profiler.setSamplingInterval', { interval: Number(process.env.CPU_PROFILE_INTERVAL_US ?? 250) });
      await post('Profiler.start');
      return;
    }
    running = false;
    const { profile } = await post('Profiler.stop');
    writeFileSync(`${file}.tmp`, JSON.stringify(profile));
    const { renameSync } = await import('node:fs');
    renameSync(`${file}.tmp`, file);
  });
}
