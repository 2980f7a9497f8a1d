// Messages between the kernel process (which speaks ZeroMQ and never runs user code)
// and its executor process (which runs cells). Cells are named by the kernel's request id
// so that output printed later still reaches the cell that started it.
import type { MimeBundle } from "../../preload/mime";

export interface ExecuteOutcome {
  status: "ok" | "error";
  /** The cell's value, for its execute_result (sent with the outcome: one message, not two). */
  value?: MimeBundle;
  ename?: string;
  evalue?: string;
  traceback?: string[];
}

export interface CompleteOutcome {
  matches: string[];
  cursor_start: number;
  cursor_end: number;
}

export interface InspectOutcome {
  found: boolean;
  data: MimeBundle;
}

export type HostRequest =
  | { kind: "execute"; id: number; code: string; executionCount: number; silent: boolean }
  | { kind: "complete"; id: number; code: string; cursor: number }
  | { kind: "inspect"; id: number; code: string; cursor: number; detailLevel: number };

export type HostMessage = HostRequest | { kind: "input_reply"; id: number; value?: string; error?: string };

export type CellOutput =
  | { msg_type: "stream"; content: { name: "stdout" | "stderr"; text: string } }
  | { msg_type: "display_data" | "update_display_data"; content: { data: MimeBundle; metadata: object; transient: { display_id: string } } }
  | { msg_type: "error"; content: { ename: string; evalue: string; traceback: string[] } }
  | { msg_type: "clear_output"; content: { wait: boolean } };

export type ChildMessage =
  | { kind: "ready" }
  | { kind: "reply"; id: number; result: ExecuteOutcome | CompleteOutcome | InspectOutcome }
  | { kind: "output"; cell: number; output: CellOutput }
  | { kind: "input_request"; id: number; cell: number; prompt: string; password: boolean };
