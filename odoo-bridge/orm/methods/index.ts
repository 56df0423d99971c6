import { USER_METHODS } from './user-methods.ts';
import { ACCESS_METHODS } from './access-methods.ts';
import { FIELD_ACCESS_METHODS } from './field-access-methods.ts';
import type { MethodTable } from './method.ts';
import { META_METHODS } from './meta-methods.ts';
import { MODEL_SELECTOR_METHODS } from './model-selector-methods.ts';
import { XMLID_METHODS } from './xmlid-methods.ts';
import { RECORD_METADATA_METHODS } from './record-metadata-methods.ts';
import { PROGRESS_BAR_METHODS } from './progress-bar-methods.ts';
import { NAME_SEARCH_METHODS } from './name-search.ts';
import { READ_GROUP_METHODS } from './read-group.ts';
import { SEARCH_METHODS } from './search-methods.ts';
import { WEB_METHODS } from './web-methods.ts';
import { VIEW_METHODS } from './view-methods.ts';
import { CLIENT_HELPER_METHODS } from './client-helper-methods.ts';
import { FIELD_TRANSLATION_METHODS } from './field-translations.ts';
import { SEARCH_PANEL_METHODS } from './search-panel.ts';
import { LANG_METHODS } from './lang-methods.ts';

/** Every read-side method the engine answers, by RPC name. */
export const READ_METHODS: MethodTable = {
  ...SEARCH_METHODS,
  ...NAME_SEARCH_METHODS,
  ...READ_GROUP_METHODS,
  ...WEB_METHODS,
  ...META_METHODS,
  ...ACCESS_METHODS,
  ...FIELD_ACCESS_METHODS,
  ...USER_METHODS,
  ...MODEL_SELECTOR_METHODS,
  ...XMLID_METHODS,
  ...RECORD_METADATA_METHODS,
  ...PROGRESS_BAR_METHODS,
  ...VIEW_METHODS,
  ...CLIENT_HELPER_METHODS,
  ...FIELD_TRANSLATION_METHODS,
  ...SEARCH_PANEL_METHODS,
  ...LANG_METHODS,
};
