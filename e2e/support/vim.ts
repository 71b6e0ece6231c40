/**
 * The reattach tests leave vim open in a detached session, and a fresh Debian image has no vim:
 * there they skip, saying why, rather than fail the README's test command.
 */
import { resolveCommand } from '../../electron/host/profiles';

export const VIM_MISSING = resolveCommand('vim') === null;

export const VIM_SKIP_REASON = 'vim is not installed (Debian/Ubuntu: sudo apt-get install -y vim), so the tests that reattach to vim skip';
