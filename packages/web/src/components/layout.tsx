import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, NavLink, useLocation, useNavigate } from 'react-router';
import { signOut } from '../api/endpoints';
import { useMe } from '../api/queries';
import { LANGUAGES, setLanguage, type LanguageCode } from '../i18n';
import { applyTheme, storedTheme, type ThemeChoice } from '../lib/theme';

const THEMES: ThemeChoice[] = ['system', 'light', 'dark'];

/** The frame of every page: skip link, header with navigation, language and theme, then the page. */
export function Layout({ children }: { children: ReactNode }) {
  const { t, i18n } = useTranslation();
  const me = useMe().data ?? null;
  const [theme, setTheme] = useState<ThemeChoice>(storedTheme);
  const [menuOpen, setMenuOpen] = useState(false);
  const location = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const mainRef = useRef<HTMLElement>(null);
  const first = useRef(true);

  // After a navigation, move focus to the new page's heading, so that keyboard and screen-reader
  // users start at the top of what changed (the first load keeps the browser's own focus).
  useEffect(() => {
    setMenuOpen(false);
    if (first.current) {
      first.current = false;
      return;
    }
    // A page that only renamed its own address (a new chat getting its id) keeps the focus where it is.
    if ((location.state as { keepFocus?: boolean } | null)?.keepFocus) return;
    const id = requestAnimationFrame(() => mainRef.current?.querySelector<HTMLElement>('h1')?.focus({ preventScroll: false }));
    return () => cancelAnimationFrame(id);
  }, [location.pathname]); // the path only: a change of query or state is not a new page

  const isAdmin = me?.roles.some((r) => r === 'admin' || r === 'trainer' || r === 'moderator') ?? false;
  const isReviewer = me?.roles.some((r) => r === 'reviewer' || r === 'moderator' || r === 'admin') ?? false;
  const nextTheme = THEMES[(THEMES.indexOf(theme) + 1) % THEMES.length]!;

  const out = async () => {
    await signOut().catch(() => undefined);
    queryClient.clear();
    navigate('/sign-in');
  };

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <header className="app-header">
        <Link className="brand" to="/">
          <img src="/favicon.svg" alt="" width="24" height="24" />
          <span>OpenFeedback</span>
        </Link>
        <button type="button" className="menu-button" aria-expanded={menuOpen} aria-controls="main-nav" onClick={() => setMenuOpen((o) => !o)} data-testid="menu-toggle">
          {t('nav.menu')}
        </button>
        <nav id="main-nav" className={menuOpen ? 'main-nav open' : 'main-nav'} aria-label={t('nav.label')}>
          <ul>
            {me !== null && (
              <>
                <li>
                  <NavLink to="/chat" data-testid="nav-chat">
                    {t('nav.chat')}
                  </NavLink>
                </li>
                <li>
                  <NavLink to="/rate" data-testid="nav-rate">
                    {t('nav.rate')}
                  </NavLink>
                </li>
                <li>
                  <NavLink to="/arena" data-testid="nav-arena">
                    {t('nav.arena')}
                  </NavLink>
                </li>
              </>
            )}
            <li>
              <NavLink to="/leaderboard" data-testid="nav-leaderboard">
                {t('nav.leaderboard')}
              </NavLink>
            </li>
            {me !== null && (
              <li>
                <NavLink to="/me" data-testid="nav-me">
                  {t('nav.myData')}
                </NavLink>
              </li>
            )}
            {isReviewer && (
              <li>
                <NavLink to="/review" data-testid="nav-review">
                  {t('nav.review')}
                </NavLink>
              </li>
            )}
            {isAdmin && (
              <li>
                <NavLink to="/admin" data-testid="nav-admin">
                  {t('nav.admin')}
                </NavLink>
              </li>
            )}
            {me === null && (
              <li>
                <NavLink to="/sign-in" data-testid="nav-sign-in">
                  {t('nav.signIn')}
                </NavLink>
              </li>
            )}
          </ul>
          <div className="header-tools">
            <label className="visually-hidden" htmlFor="language-select">
              {t('nav.language')}
            </label>
            <select id="language-select" value={i18n.resolvedLanguage ?? 'en'} onChange={(e) => void setLanguage(e.target.value as LanguageCode)} data-testid="language-select">
              {LANGUAGES.map((l) => (
                <option key={l.code} value={l.code} lang={l.code}>
                  {l.name}
                </option>
              ))}
            </select>
            <button
              type="button"
              className="icon-button theme-toggle"
              onClick={() => {
                applyTheme(nextTheme);
                setTheme(nextTheme);
              }}
              aria-label={t('nav.theme', { current: t(`theme.${theme}`), next: t(`theme.${nextTheme}`) })}
              title={t('nav.theme', { current: t(`theme.${theme}`), next: t(`theme.${nextTheme}`) })}
              data-testid="theme-toggle"
              data-theme-choice={theme}
            >
              <span aria-hidden="true">{theme === 'dark' ? '☾' : theme === 'light' ? '☀' : '◐'}</span>
            </button>
            {me !== null && (
              <span className="account">
                <span className="handle" data-testid="account-handle">
                  @{me.handle}
                </span>
                <button type="button" className="link-button" onClick={() => void out()} data-testid="sign-out">
                  {t('nav.signOut')}
                </button>
              </span>
            )}
          </div>
        </nav>
      </header>
      <main id="main" ref={mainRef} tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}

/** A page's title: the <h1> (focus target after navigation) and the document title. */
export function PageTitle({ children, hidden = false }: { children: string; hidden?: boolean }) {
  useEffect(() => {
    document.title = `${children} · OpenFeedback`;
  }, [children]);
  return (
    <h1 tabIndex={-1} className={hidden ? 'visually-hidden' : undefined}>
      {children}
    </h1>
  );
}
