/**
 * The flood the raw and the end-to-end measures both read: base64 of random bytes, ~64 MB of
 * text as the issue specifies, so the figures are the same bytes through different paths.
 */
export const FLOOD_INPUT_BYTES = 48_000_000;

/**
 * A visible tab paints every frame in software here (~12 MB/s with the DOM renderer): half the
 * flood keeps the run short, and each run still lasts seconds, not the fraction of one an eighth
 * took (whose spread across runs was as wide as any change being measured).
 */
export const VISIBLE_FLOOD_INPUT_BYTES = FLOOD_INPUT_BYTES / 2;

export const floodCommand = (inputBytes: number): string => `head -c ${inputBytes} /dev/urandom | base64`;

/** base64 makes 4 characters of 3 bytes, plus a line break every 76 characters (CRLF on a tty). */
export const floodOutputBytes = (inputBytes: number): number => Math.ceil(inputBytes / 3) * 4 * (78 / 76);
