/**
 * Browser mode's Save: the export becomes a Blob and an `a[download]` click hands it to the
 * browser's own download (no server round trip, no new endpoint; the page's CSP governs fetches
 * and frames, not a download the user asked for).
 */
import type { ExportResult } from '../electron/contract';

export function downloadExport(result: ExportResult, doc: Document = document): void {
  const url = URL.createObjectURL(new Blob([result.content], { type: result.mime }));
  const link = doc.createElement('a');
  link.href = url;
  link.download = result.filename;
  link.hidden = true;
  doc.body.append(link);
  link.click();
  link.remove();
  // The click has started the download; the URL is not needed after this turn.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
