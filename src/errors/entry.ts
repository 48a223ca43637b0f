/** One public error code: its HTTP status and default message. */
export interface CodeEntry {
  status: number;
  message: string;
}
