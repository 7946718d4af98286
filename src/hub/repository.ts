// What a Hub repository is to this tool, and the calls `ensureRepository` needs: types shared by
// the client (client.ts) and the rule it follows (ensure.ts), so neither imports the other's file.
import type { RepositoryText } from './limits.js';

/** A Hub repository as this tool needs it. */
export interface HubRepository {
  namespace: string;
  name: string;
  isPrivate: boolean;
  /** The short description ('' when none). */
  description: string;
  /** The full description, usually the README ('' when none). */
  fullDescription: string;
}

/** What a new repository is created with. */
export interface NewRepository extends RepositoryText {
  isPrivate: boolean;
}

/** What a write that may cut text returns: one warning per field that had to be cut. */
export interface HubWriteResult {
  warnings: string[];
}

/** The repository operations `ensureRepository` needs (HubClient has them). */
export interface HubRepositories {
  getRepository(namespace: string, name: string): Promise<HubRepository | undefined>;
  createRepository(
    namespace: string,
    name: string,
    repository: NewRepository,
  ): Promise<HubWriteResult & { repository: HubRepository }>;
  setVisibility(namespace: string, name: string, isPrivate: boolean): Promise<void>;
  updateDescription(namespace: string, name: string, update: RepositoryText): Promise<HubWriteResult>;
}
