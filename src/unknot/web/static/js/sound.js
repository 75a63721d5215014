// @ts-check
// The player's voice and countdown beeps. Speech only when the browser has a voice; beeps only
// once a tap has allowed audio.

export class Sound {
  constructor() {
    /** @type {AudioContext | null} */
    this.audio = null;
  }

  get hasVoice() {
    return "speechSynthesis" in window && speechSynthesis.getVoices().length > 0;
  }

  /** Browsers allow audio only after a tap: call this from one. */
  unlock() {
    const Context = window.AudioContext || /** @type {any} */ (window).webkitAudioContext;
    if (!this.audio && Context) this.audio = new Context();
  }

  /** @param {string} text */
  say(text) {
    if (!this.hasVoice) return;
    speechSynthesis.cancel();
    speechSynthesis.speak(new SpeechSynthesisUtterance(text));
  }

  /** @param {number} count the seconds left: the last one is higher */
  beep(count) {
    const audio = this.audio;
    if (!audio) return;
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.frequency.value = count === 1 ? 880 : 660;
    gain.gain.value = 0.15;
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start();
    oscillator.stop(audio.currentTime + 0.12);
  }
}
