/**
 * The flood the raw and the end-to-end measures both read: base64 of random bytes, ~64 MB of
 * text as the issue specifies, so the figures are the same bytes through different paths.
 */
export const FLOOD_INPUT_BYTES = 48_000_000;

/** A visible tab paints every frame in software here (~1 MB/s): an eighth of the flood keeps the run short. */
export const VISIBLE_FLOOD_INPUT_BYTES = FLOOD_INPUT_BYTES / 8;

export const floodCommand = (inputBytes: number): string => `head -c ${inputBytes} /dev/urandom | base64`;

/** base64 makes 4 characters of 3 bytes, plus a line break every 76 characters (CRLF on a tty). */
export const floodOutputBytes = (inputBytes: number): number => Math.ceil(inputBytes / 3) * 4 * (78 / 76);
