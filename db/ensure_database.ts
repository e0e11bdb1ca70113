/** Creating the pipeline's database on first start, so one command brings the stack up. */
import { connectDatabase } from "../runtime/database.ts";

const INVALID_CATALOG_NAME = "3D000";

/**
 * Creates the database `url` names when the server answers that it does not exist, through
 * the server's `postgres` database. Returns true when it created it.
 */
export async function ensureDatabase(url: string): Promise<boolean> {
  const probe = connectDatabase(url, { max: 1 });
  try {
    await probe`select 1`;
    return false;
  } catch (error) {
    if ((error as { code?: string }).code !== INVALID_CATALOG_NAME) throw error;
  } finally {
    await probe.end({ timeout: 5 });
  }
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  target.pathname = "/postgres";
  const admin = connectDatabase(target.toString(), { max: 1 });
  try {
    await admin`create database ${admin(name)}`;
    return true;
  } finally {
    await admin.end({ timeout: 5 });
  }
}
