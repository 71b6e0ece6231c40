/** Terminal colours per theme (the chrome's colours are CSS variables in styles.css). */
import type { ITheme } from '@xterm/xterm';
import type { Theme } from './persist';

/**
 * A monospace face that exists out of the box on each platform: Cascadia/Consolas on Windows,
 * SF Mono/Menlo on macOS, DejaVu/Liberation/Noto/Ubuntu Mono on Linux, then the generic family.
 */
export const MONO_FONT_STACK =
  '"Cascadia Mono", "Cascadia Code", Consolas, "SF Mono", Menlo, Monaco, "DejaVu Sans Mono", "Liberation Mono", "Ubuntu Mono", "Noto Sans Mono", "Courier New", monospace';

export const TERMINAL_FONT_SIZE = 14;

const DARK: ITheme = {
  background: '#16181d',
  foreground: '#d7dae0',
  cursor: '#f0f0f0',
  cursorAccent: '#16181d',
  selectionBackground: '#3d5a80aa',
  black: '#1e2127',
  red: '#e06c75',
  green: '#98c379',
  yellow: '#d19a66',
  blue: '#61afef',
  magenta: '#c678dd',
  cyan: '#56b6c2',
  white: '#abb2bf',
  brightBlack: '#5c6370',
  brightRed: '#ef8189',
  brightGreen: '#b5e890',
  brightYellow: '#e5c07b',
  brightBlue: '#8cc8ff',
  brightMagenta: '#de9bf0',
  brightCyan: '#7fd7e2',
  brightWhite: '#ffffff',
};

const LIGHT: ITheme = {
  background: '#fbfbfc',
  foreground: '#24292f',
  cursor: '#24292f',
  cursorAccent: '#fbfbfc',
  selectionBackground: '#add6ffaa',
  black: '#24292f',
  red: '#cf222e',
  green: '#116329',
  yellow: '#7d4e00',
  blue: '#0550ae',
  magenta: '#8250df',
  cyan: '#1b7c83',
  white: '#6e7781',
  brightBlack: '#57606a',
  brightRed: '#a40e26',
  brightGreen: '#1a7f37',
  brightYellow: '#633c01',
  brightBlue: '#218bff',
  brightMagenta: '#a475f9',
  brightCyan: '#3192aa',
  brightWhite: '#8c959f',
};

export function terminalTheme(theme: Theme): ITheme {
  return theme === 'light' ? LIGHT : DARK;
}
