import { defineCommand } from "citty";
import { WinnowError } from "../../core/errors.ts";

/** Placeholder until this command is built; registered so that `winnow --help` lists it. */
export const command = defineCommand({
  meta: { name: "import", description: "(not built yet)" },
  run() {
    throw new WinnowError("WINNOW_ERR_NOT_IMPLEMENTED", { message: "winnow import is not built yet" });
  },
});
