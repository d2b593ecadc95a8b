import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RubricQuestion } from '../api/types';
import { CorrectionEditor } from '../feedback/correction-editor';
import { CritiqueDialog } from '../feedback/critique-dialog';
import { FlagDialog } from '../feedback/flag-dialog';
import { RatePanel } from '../feedback/rate-panel';
import { emptyAnswer } from '../feedback/feedback-summary';
import type { FeedbackApi } from '../feedback/use-feedback';
import { siblingsAt } from '../lib/tree';
import { DRAFT_ID, type ChatNode, type Draft } from '../screens/chat/chat-state';
import { MessageView } from './message-view';
import { ReportDialog } from './report-dialog';
import type { AnswerUi } from './use-answer-ui';

export interface ThreadProps {
  path: readonly ChatNode[];
  all: readonly ChatNode[];
  draft: Draft | null;
  authorOf: (node: ChatNode) => string;
  onChoose: (parentKey: string, childId: string) => void;
  /** null where feedback cannot be given (nothing recorded). */
  feedback: FeedbackApi | null;
  rubric: readonly RubricQuestion[];
  ui: AnswerUi;
  onRegenerate?: ((answer: ChatNode) => void) | undefined;
  onRetry?: (() => void) | undefined;
  onEdit?: ((turn: ChatNode, content: string) => void) | undefined;
}

/** The branch on screen, turn by turn, with the feedback tools under each answer. */
export function Thread(props: ThreadProps) {
  const { t } = useTranslation();
  const { ui, feedback } = props;
  const summary = feedback?.summary;
  const [reporting, setReporting] = useState<string | null>(null);
  return (
    <div className="thread" data-testid="thread">
      {props.path.map((node) => {
        const { list, index } = siblingsAt(props.all, node);
        const branch =
          list.length > 1
            ? {
                index,
                count: list.length,
                onPrev: () => props.onChoose(node.parent_id ?? '', list[index - 1]!.id),
                onNext: () => props.onChoose(node.parent_id ?? '', list[index + 1]!.id),
              }
            : null;
        const isDraft = node.id === DRAFT_ID;
        const stored = !isDraft && !node.local && !node.pending;
        const answerFeedback = summary?.answers[node.id] ?? emptyAnswer();
        const canFeedback = node.role === 'assistant' && stored && feedback !== null;
        return (
          <MessageView
            key={node.id}
            node={node}
            draft={isDraft ? props.draft : null}
            author={props.authorOf(node)}
            branch={branch}
            focused={ui.focusedId === node.id}
            onFocusAnswer={node.role === 'assistant' ? () => ui.focusedId !== node.id && ui.setFocusedId(node.id) : undefined}
            bodyRef={node.role === 'assistant' ? ui.bodyRef(node.id) : undefined}
            feedback={canFeedback ? answerFeedback : undefined}
            actions={
              canFeedback
                ? {
                    thumbs: (v) => feedback.thumbs(node.id, v),
                    rate: () => ui.togglePanel('rate', node.id),
                    critique: () => ui.openCritique(node.id),
                    correct: () => ui.togglePanel('correct', node.id),
                    flag: () => ui.setDialog({ kind: 'flag', messageId: node.id }),
                    regenerate: props.onRegenerate ? () => props.onRegenerate!(node) : undefined,
                  }
                : undefined
            }
            onRetry={isDraft && props.draft?.state !== 'streaming' ? props.onRetry : undefined}
            onEdit={node.role === 'user' && props.onEdit && !node.pending ? (content) => props.onEdit!(node, content) : undefined}
            onReport={stored ? setReporting : undefined}
          >
            {canFeedback && ui.panel?.messageId === node.id && ui.panel.kind === 'rate' && (
              <RatePanel
                messageId={node.id}
                rubric={props.rubric}
                answer={answerFeedback}
                conversationRating={summary?.rating ?? null}
                onRate={feedback.rate}
                onClose={() => ui.setPanel(null)}
              />
            )}
            {canFeedback && ui.panel?.messageId === node.id && ui.panel.kind === 'correct' && (
              <CorrectionEditor original={node.content} previous={answerFeedback.correction} onSubmit={(text) => feedback.correct(node.id, text)} onClose={() => ui.setPanel(null)} />
            )}
            {node.role === 'assistant' && !stored && !isDraft && node.local && <p className="hint small">{t('chat.noFeedbackOffRecord')}</p>}
          </MessageView>
        );
      })}
      {feedback !== null && ui.dialog?.kind === 'critique' && (
        <CritiqueDialog
          span={ui.dialog.span}
          onSubmit={(text, sentiment) => {
            const d = ui.dialog;
            if (d?.kind === 'critique') feedback.critique(d.messageId, text, d.span === null ? null : { start: d.span.start, end: d.span.end }, sentiment);
          }}
          onClose={() => ui.setDialog(null)}
        />
      )}
      {feedback !== null && ui.dialog?.kind === 'flag' && (
        <FlagDialog
          target={ui.dialog.messageId === null ? 'conversation' : 'answer'}
          onSubmit={(reason, note) => {
            const d = ui.dialog;
            if (d?.kind === 'flag') feedback.flag(d.messageId, reason, note);
          }}
          onClose={() => ui.setDialog(null)}
        />
      )}
      {reporting !== null && <ReportDialog messageId={reporting} onClose={() => setReporting(null)} />}
    </div>
  );
}
