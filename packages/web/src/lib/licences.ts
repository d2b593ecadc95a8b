/** The i18n key of a licence's plain-words description (SPDX ids hold dots, which i18next reads as nesting). */
export const licenceKey = (spdx: string) => `licences.${spdx.replace(/[^A-Za-z0-9]/g, '_')}`;
