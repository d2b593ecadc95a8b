import { lazy, Suspense, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import { consentState, useConsent, useMe, useTerms } from './api/queries';
import { ErrorText } from './components/error-text';
import { Layout, PageTitle } from './components/layout';
import { Loading } from './components/spinner';
import SignInScreen from './screens/auth/sign-in-screen';

// Secondary screens load on demand: the first download holds the shell and the sign-in screen
// (budget: 250 KB gzip of initial JavaScript, scripts/size.mjs).
const ConsentScreen = lazy(() => import('./screens/consent/consent-screen'));
const ChatScreen = lazy(() => import('./screens/chat/chat-screen'));
const RateScreen = lazy(() => import('./screens/rate/rate-screen'));
const ArenaScreen = lazy(() => import('./screens/arena/arena-screen'));
const MyDataScreen = lazy(() => import('./screens/me/my-data-screen'));
const AdminScreen = lazy(() => import('./screens/admin/admin-screen'));
const LeaderboardScreen = lazy(() => import('./screens/leaderboard/leaderboard-screen'));
const ReviewScreen = lazy(() => import('./screens/review/review-screen'));

const here = (l: { pathname: string; search: string }) => encodeURIComponent(l.pathname + l.search);

/** Pages for signed-in people: anyone else goes to sign in and comes back. */
function SignedIn({ children }: { children: ReactNode }) {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <Loading />;
  if (me.isError) return <ErrorText error={me.error} />;
  if (me.data === null) return <Navigate to={`/sign-in?next=${here(location)}`} replace />;
  return <>{children}</>;
}

/** Pages that record: nothing is stored before consent under the current terms. */
function Consented({ children }: { children: ReactNode }) {
  const consent = useConsent();
  const terms = useTerms();
  const location = useLocation();
  if (consent.isPending || terms.isPending) return <Loading />;
  if (consent.isError) return <ErrorText error={consent.error} />;
  if (consentState(consent.data, terms.data) !== 'active') return <Navigate to={`/consent?next=${here(location)}`} replace />;
  return <>{children}</>;
}

/** `/` opens the chat; a failed provider sign-in comes back here as `/?sign_in_error=…` and is shown on the sign-in page. */
function Home() {
  const { search } = useLocation();
  return <Navigate to={new URLSearchParams(search).has('sign_in_error') ? `/sign-in${search}` : '/chat'} replace />;
}

function NotFound() {
  const { t } = useTranslation();
  return (
    <div className="page narrow">
      <PageTitle>{t('notFound.title')}</PageTitle>
      <p>{t('notFound.text')}</p>
      <a href="/">{t('notFound.home')}</a>
    </div>
  );
}

export function App() {
  return (
    <Layout>
      <Suspense fallback={<Loading />}>
        <Routes>
          <Route path="/" element={<Home />} />
          <Route path="/sign-in" element={<SignInScreen mode="sign-in" />} />
          <Route path="/sign-up" element={<SignInScreen mode="sign-up" />} />
          <Route
            path="/consent"
            element={
              <SignedIn>
                <ConsentScreen />
              </SignedIn>
            }
          />
          {['/chat', '/chat/:conversationId'].map((path) => (
            <Route
              key={path}
              path={path}
              element={
                <SignedIn>
                  <Consented>
                    <ChatScreen />
                  </Consented>
                </SignedIn>
              }
            />
          ))}
          <Route
            path="/rate"
            element={
              <SignedIn>
                <Consented>
                  <RateScreen />
                </Consented>
              </SignedIn>
            }
          />
          <Route
            path="/arena"
            element={
              <SignedIn>
                <Consented>
                  <ArenaScreen />
                </Consented>
              </SignedIn>
            }
          />
          <Route
            path="/me"
            element={
              <SignedIn>
                <MyDataScreen />
              </SignedIn>
            }
          />
          <Route path="/leaderboard" element={<LeaderboardScreen />} />
          <Route path="/review" element={<Navigate to="/review/agreement" replace />} />
          {(['agreement', 'moderation'] as const).map((tab) => (
            <Route
              key={tab}
              path={`/review/${tab}`}
              element={
                <SignedIn>
                  <ReviewScreen tab={tab} />
                </SignedIn>
              }
            />
          ))}
          <Route
            path="/admin"
            element={
              <SignedIn>
                <AdminScreen />
              </SignedIn>
            }
          />
          <Route path="*" element={<NotFound />} />
        </Routes>
      </Suspense>
    </Layout>
  );
}
