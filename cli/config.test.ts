import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { configPath, readConfigFile, resolveSettings, writeConfigFile } from "./config";
import { UsageError } from "./errors";

describe("settings", () => {
  it("takes flags over environment over the login file", () => {
    const file = { url: "https://file.example", token: "er_file" };
    const env = { EDGEREG_URL: "https://env.example", EDGEREG_TOKEN: "er_env" };
    expect(resolveSettings({}, {}, file)).toEqual({ url: "https://file.example", token: "er_file" });
    expect(resolveSettings({}, env, file)).toEqual({ url: "https://env.example", token: "er_env" });
    expect(resolveSettings({ url: "https://flag.example/", token: "er_flag" }, env, file)).toEqual({ url: "https://flag.example", token: "er_flag" });
    expect(resolveSettings({}, { EDGEREG_URL: "http://127.0.0.1:8787" }, {})).toEqual({ url: "http://127.0.0.1:8787", token: undefined });
  });

  it("refuses a missing or malformed URL before any request", () => {
    expect(() => resolveSettings({}, {}, {})).toThrow(UsageError);
    expect(() => resolveSettings({ url: "registry.example" }, {}, {})).toThrow(/not a URL/);
    expect(() => resolveSettings({ url: "ftp://registry.example" }, {}, {})).toThrow(/http\(s\)/);
  });

  it("keeps the login file under the XDG config directory, readable by its owner only", () => {
    expect(configPath({ HOME: "/home/ci" })).toBe("/home/ci/.config/edgereg/config.json");
    expect(configPath({ HOME: "/home/ci", XDG_CONFIG_HOME: "/xdg" })).toBe("/xdg/edgereg/config.json");
    expect(configPath({ EDGEREG_CONFIG: "/etc/edgereg.json" })).toBe("/etc/edgereg.json");

    const path = join(mkdtempSync(join(tmpdir(), "edgereg-config-")), "edgereg/config.json");
    expect(readConfigFile(path)).toEqual({});
    writeConfigFile(path, { url: "https://a.example", token: "er_a" });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readConfigFile(path)).toEqual({ url: "https://a.example", token: "er_a" });
    writeFileSync(path, "{ not json");
    expect(() => readConfigFile(path)).toThrow(/not valid JSON/);
    expect(readFileSync(path, "utf8")).toBe("{ not json");
  });
});
