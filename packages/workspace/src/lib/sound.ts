/** Short tones over WebAudio: a chime for a new conversation, a repeating ring for an offer. No audio files. */
let ctx: AudioContext | null = null;

function audio(): AudioContext | null {
  try {
    if (!ctx) {
      const Ctor = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
      if (!Ctor) return null;
      ctx = new Ctor();
    }
    if (ctx.state === 'suspended') void ctx.resume();
    return ctx;
  } catch {
    return null;
  }
}

/** Browsers start audio only after a user gesture: call this from one (sign in, a click). */
export function unlockAudio(): void {
  audio();
}

function tone(freq: number, startIn: number, duration: number, volume = 0.08): void {
  const a = audio();
  if (!a) return;
  const osc = a.createOscillator();
  const gain = a.createGain();
  osc.type = 'sine';
  osc.frequency.value = freq;
  const t = a.currentTime + startIn;
  gain.gain.setValueAtTime(0, t);
  gain.gain.linearRampToValueAtTime(volume, t + 0.02);
  gain.gain.exponentialRampToValueAtTime(0.0001, t + duration);
  osc.connect(gain).connect(a.destination);
  osc.start(t);
  osc.stop(t + duration + 0.05);
}

export function playChime(): void {
  tone(880, 0, 0.25);
  tone(1320, 0.15, 0.35);
}

/** Rings every two seconds until the returned function is called. */
export function startRinging(): () => void {
  const ring = () => {
    tone(740, 0, 0.18, 0.1);
    tone(740, 0.25, 0.18, 0.1);
  };
  ring();
  const timer = setInterval(ring, 2000);
  return () => clearInterval(timer);
}
